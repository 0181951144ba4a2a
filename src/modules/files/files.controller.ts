import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { RateLimit } from '../../common/decorators/rate-limit.decorator';
import { Paginated } from '../../common/dto/paginated';
import { sendAttachment } from '../../common/http/content-disposition';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { FileResponse } from './dto/file.response';
import { ListFilesQuery } from './dto/list-files.query';
import { FilesService } from './files.service';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';

@ApiTags('files')
@Controller('files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Post('upload')
  @Idempotent()
  @Auth()
  @RateLimit('upload')
  @ApiOperation({
    summary: 'Upload a file (multipart field `file`)',
    description:
      'Streamed to storage, never held in memory. 413 over MAX_UPLOAD_BYTES; 415 when the ' +
      'extension is not allowed or the content does not match it (binary types are checked by ' +
      'their magic bytes); 422 when the file is missing or empty. The name is kept as metadata ' +
      'only (path parts and control characters removed); storage names are UUIDs.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    },
  })
  @ApiEnvelope(FileResponse, { status: 201, errors: [400, 413, 415, 422] })
  upload(@Req() req: Request, @CurrentUser() caller: AuthenticatedUser): Promise<FileResponse> {
    return this.files.upload(req, caller);
  }

  @Get()
  @Auth()
  @ApiOperation({ summary: 'Your files, newest first (admins: everyone’s, filter uploadedById)' })
  @ApiEnvelope(FileResponse, { paginated: true, errors: [403, 422] })
  list(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: ListFilesQuery,
  ): Promise<Paginated<FileResponse>> {
    return this.files.list(caller, query);
  }

  @Get(':id')
  @Auth()
  @ApiOperation({ summary: 'File metadata (owner, admin; 404 for others)' })
  @ApiEnvelope(FileResponse, { errors: [404, 422] })
  get(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<FileResponse> {
    return this.files.get(id, caller);
  }

  @Get(':id/download')
  @Auth()
  @ApiOperation({
    summary: 'Download a file (owner, admin)',
    description:
      'Local storage: the bytes, with Content-Disposition: attachment. Azure: 302 to a SAS URL ' +
      'valid 15 minutes.',
  })
  // The bytes' media type is set on the 200 response only: errors stay JSON envelopes.
  @ApiResponse({
    status: 200,
    description: 'The file',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 302, description: 'Redirect to a time-limited download URL' })
  @ApiErrors(404, 422)
  async download(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Res() res: Response,
  ): Promise<void> {
    const download = await this.files.download(id, caller);
    if (download.kind === 'redirect') {
      res.redirect(302, download.url);
      return;
    }
    sendAttachment(res, download.stream, {
      contentType: download.file.contentType,
      filename: download.file.originalFilename,
      length: download.file.fileSize,
    });
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth()
  @ApiOperation({
    summary: 'Delete a file and its stored object (owner, admin)',
    description: 'A file attached to an assignment submission cannot be deleted (409).',
  })
  @ApiEnvelope(null, { status: 204, errors: [404, 409, 422] })
  async remove(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<void> {
    await this.files.remove(id, caller);
  }
}
