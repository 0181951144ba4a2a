import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class GenerateCertificateDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  enrollmentId: string;
}
