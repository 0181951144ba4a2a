import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class EraseMeDto {
  @ApiProperty({ description: 'The current password, to confirm' })
  @IsString()
  @MaxLength(128)
  password: string;
}
