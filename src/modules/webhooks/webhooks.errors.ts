import { NotFoundError, ValidationFailedError } from '../../common/errors/app-error';
import type { TargetProblem } from '../../common/http/target-guard';

export class WebhookNotFoundError extends NotFoundError {
  constructor() {
    super('Webhook');
  }
}

const MESSAGES: Record<TargetProblem, string> = {
  'not-http': 'url must be an http(s) URL',
  unresolvable: 'url does not resolve to an address',
  private: 'url points to a private, loopback or link-local address',
};

export class WebhookTargetRefusedError extends ValidationFailedError {
  constructor(problem: TargetProblem) {
    super([{ field: 'url', message: MESSAGES[problem] }], 'This webhook target is not allowed');
  }
}
