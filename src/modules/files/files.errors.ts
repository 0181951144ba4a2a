import {
  AppError,
  ConflictError,
  NotFoundError,
  ValidationFailedError,
} from '../../common/errors/app-error';

export class FileNotFoundError extends NotFoundError {
  constructor() {
    super('File');
  }
}

export class FileTooLargeError extends AppError {
  constructor(maxBytes: number) {
    super('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes`);
  }
}

export class UnsupportedFileTypeError extends AppError {
  constructor(message: string) {
    super('UNSUPPORTED_MEDIA_TYPE', message);
  }
}

export class MissingFileError extends ValidationFailedError {
  constructor(message = 'a multipart field "file" is required') {
    super([{ field: 'file', message }]);
  }
}

/** 409: a file attached to an assignment submission stays as long as the submission. */
export class FileAttachedError extends ConflictError {
  constructor() {
    super('This file is attached to a submission and cannot be deleted');
  }
}
