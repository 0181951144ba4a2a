import { MemoryBroadcaster } from './memory-broadcaster';

describe('MemoryBroadcaster', () => {
  it('hands each message to the listeners of its channel until they unsubscribe', async () => {
    const broadcaster = new MemoryBroadcaster();
    const heard: string[] = [];
    const stopA = await broadcaster.subscribe('a', (message) => heard.push(`a1:${message}`));
    await broadcaster.subscribe('a', (message) => heard.push(`a2:${message}`));
    await broadcaster.subscribe('b', (message) => heard.push(`b:${message}`));
    await broadcaster.publish('a', 'one');
    await stopA();
    await broadcaster.publish('a', 'two');
    await broadcaster.publish('c', 'nobody');
    expect(heard).toEqual(['a1:one', 'a2:one', 'a2:two']);
  });
});
