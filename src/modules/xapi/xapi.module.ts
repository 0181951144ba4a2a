import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RetryingDeliveries } from '../../infra/delivery/retrying-deliveries';
import { XapiStatementRow } from './entities/xapi-statement.entity';
import { XapiRepository } from './xapi.repository';
import { XapiService } from './xapi.service';

/** xAPI 1.0.3 learning records to the LRS of XAPI_LRS_ENDPOINT (no HTTP routes). */
@Module({
  imports: [TypeOrmModule.forFeature([XapiStatementRow])],
  providers: [XapiService, XapiRepository, RetryingDeliveries],
})
export class XapiModule {}
