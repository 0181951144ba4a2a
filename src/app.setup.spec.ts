import { Test } from '@nestjs/testing';
import { configureApp } from './app.setup';

describe('configureApp', () => {
  it('refuses an application made without the enveloping adapter (it would answer unenveloped)', async () => {
    const moduleRef = await Test.createTestingModule({}).compile();
    const app = moduleRef.createNestApplication();
    expect(() => configureApp(app)).toThrow(/EnvelopingExpressAdapter/);
    await app.close();
  });
});
