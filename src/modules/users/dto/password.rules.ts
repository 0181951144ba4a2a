import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** 8-128 characters with at least one letter and one digit. */
export function IsStrongPassword(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      minLength: 8,
      maxLength: 128,
      description: '8-128 characters with at least one letter and one digit',
      example: 'correct-horse-7',
    }),
    IsString(),
    MinLength(8),
    MaxLength(128),
    Matches(/[A-Za-z]/, { message: '$property must contain a letter' }),
    Matches(/\d/, { message: '$property must contain a digit' }),
  );
}
