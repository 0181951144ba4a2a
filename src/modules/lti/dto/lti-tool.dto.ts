import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsHttpUrl } from '../../../common/validation/is-http-url';
import { trimmed } from '../../../common/validation/transforms';

export class CreateLtiToolDto {
  @ApiProperty({ example: 'Coding sandbox', minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    maxLength: 255,
    description: 'The OAuth client id the tool knows itself by; generated (a UUID) when absent',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[\x21-\x7e]{1,255}$/, { message: 'clientId must be 1-255 visible ASCII characters' })
  clientId?: string;

  @ApiProperty({
    example: 'https://tool.example.com/login',
    description: "The tool's OIDC login initiation URL (third-party initiated login)",
  })
  @IsHttpUrl()
  @MaxLength(2048)
  loginInitiationUrl: string;

  @ApiProperty({
    type: [String],
    example: ['https://tool.example.com/launch'],
    description:
      'Where id_tokens may be posted (exact match at /lti/authorize); the first is the launch ' +
      '`target_link_uri`',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsHttpUrl({ each: true })
  @MaxLength(2048, { each: true })
  redirectUrls: string[];

  @ApiProperty({
    example: 'https://tool.example.com/keys',
    description:
      "The tool's public key set, fetched to verify its client assertions (private and " +
      'loopback addresses refused unless LTI_ALLOW_PRIVATE_TARGETS)',
  })
  @IsHttpUrl()
  @MaxLength(2048)
  jwksUrl: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Deep linking URL, if any' })
  @IsOptional()
  @IsHttpUrl()
  @MaxLength(2048)
  deepLinkingUrl?: string | null;
}

/** `null` clears only `deepLinkingUrl`: for the other fields it is a validation error. */
export class UpdateLtiToolDto extends PartialType(CreateLtiToolDto, {
  skipNullProperties: false,
}) {}
