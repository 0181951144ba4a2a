import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Clock } from '../../common/time/clock';
import { AccessService } from '../access/access.service';
import { CoursesService } from '../courses/courses.service';
import { LessonsService } from '../courses/lessons.service';
import { SigningKeysService } from '../keys/signing-keys.service';
import { AgsRepository } from './ags.repository';
import { autoSubmitForm, LaunchRole, resourceLinkClaims } from './lti-claims';
import { LtiInvalidLaunchError, NotAnLtiLessonError } from './lti.errors';
import { HINT_TTL_SECONDS, LtiSecrets } from './lti-secrets';
import { LtiToolsService } from './lti-tools.service';
import { LtiUrls } from './lti-urls';
import { ReplayGuardRepository } from './replay-guard.repository';

export const ID_TOKEN_TTL_SECONDS = 300;
/** Nonces are remembered this long (a tool's own state is shorter-lived than this). */
const NONCE_MEMORY_SECONDS = 24 * 3600;

/** The OIDC authorization request of the third-party initiated login (GET query or POST form). */
export type AuthorizeParams = Record<string, unknown>;

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= 4096 ? value : undefined;

/**
 * The launch of an lti lesson, in two legs:
 * 1. `GET /lessons/:id/lti/launch` (the learner, bearer-authenticated): the access policy and the
 *    lock rules decide; the answer is a redirect to the tool's login initiation URL whose
 *    `lti_message_hint` is a signed, 5-minute, single-use token binding user, lesson and tool.
 * 2. `/lti/authorize` (the browser, sent by the tool; no bearer header there): the hint is what
 *    authenticates the user, so it is verified, then spent together with the tool's nonce in one
 *    transaction; the answer is a page that POSTs the signed id_token to the registered
 *    redirect URI.
 */
@Injectable()
export class LtiLaunchService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lessons: LessonsService,
    private readonly courses: CoursesService,
    private readonly access: AccessService,
    private readonly tools: LtiToolsService,
    private readonly ags: AgsRepository,
    private readonly secrets: LtiSecrets,
    private readonly keys: SigningKeysService,
    private readonly replay: ReplayGuardRepository,
    private readonly urls: LtiUrls,
    private readonly clock: Clock,
  ) {}

  /** The platform key (signing_keys, purpose `lti`) is in the JWKS before the first launch. */
  onModuleInit(): void {
    this.keys.publishAlways('lti', 'RS256');
  }

  /** The URL of the tool's login initiation with the third-party login parameters. */
  async launch(lessonId: string, caller: AuthenticatedUser): Promise<string> {
    const lesson = await this.lessons.get(lessonId, caller);
    if (lesson.contentType !== 'lti' || !lesson.ltiToolId) throw new NotAnLtiLessonError();
    const [tool, course] = await Promise.all([
      this.tools.find(lesson.ltiToolId),
      this.courses.findById(lesson.courseId),
    ]);
    await this.ags.ensureDefault({
      id: lesson.id,
      courseId: lesson.courseId,
      toolId: tool.id,
      label: lesson.title,
    });
    // Roles from the access gate: admins (who see everything) are also institution
    // Administrators, the course's managers Instructors, everyone else Learners.
    const role: LaunchRole = this.access.seesEverything(caller)
      ? 'Administrator'
      : this.access.can(caller, 'course.manage', { course })
        ? 'Instructor'
        : 'Learner';
    const targetLinkUri = tool.redirectUrls[0];
    const hint = await this.secrets.signHint({
      userId: caller.id,
      lessonId: lesson.id,
      courseId: lesson.courseId,
      toolId: tool.id,
      role,
      targetLinkUri,
    });
    const url = new URL(tool.loginInitiationUrl);
    url.searchParams.set('iss', this.urls.issuer);
    url.searchParams.set('login_hint', caller.id);
    url.searchParams.set('target_link_uri', targetLinkUri);
    url.searchParams.set('lti_message_hint', hint);
    url.searchParams.set('client_id', tool.clientId);
    url.searchParams.set('lti_deployment_id', tool.deploymentId);
    return url.toString();
  }

  /** Validates the authentication request and answers the auto-submitting id_token form. */
  async authorize(params: AuthorizeParams): Promise<{ html: string; csp: string }> {
    const need = (name: string): string => {
      const value = str(params[name]);
      if (!value) throw new LtiInvalidLaunchError(`${name} is required`, name);
      return value;
    };
    const expect = (name: string, wanted: string): void => {
      if (need(name) !== wanted) {
        throw new LtiInvalidLaunchError(`${name} must be ${wanted}`, name);
      }
    };
    expect('response_type', 'id_token');
    if (!need('scope').split(' ').includes('openid')) {
      throw new LtiInvalidLaunchError('scope must include openid', 'scope');
    }
    expect('response_mode', 'form_post');
    expect('prompt', 'none');
    const clientId = need('client_id');
    const redirectUri = need('redirect_uri');
    const loginHint = need('login_hint');
    const nonce = need('nonce');
    const state = str(params.state);
    if (nonce.length > 255) throw new LtiInvalidLaunchError('nonce is too long', 'nonce');

    const tool = await this.tools.findByClientId(clientId);
    if (!tool) throw new LtiInvalidLaunchError('Unknown client_id', 'client_id');
    if (!tool.redirectUrls.includes(redirectUri)) {
      throw new LtiInvalidLaunchError(
        'redirect_uri is not registered for this tool',
        'redirect_uri',
      );
    }
    const hint = await this.secrets.readHint(need('lti_message_hint'));
    if (!hint || hint.toolId !== tool.id) {
      throw new LtiInvalidLaunchError('lti_message_hint is invalid or expired', 'lti_message_hint');
    }
    if (hint.userId !== loginHint) {
      throw new LtiInvalidLaunchError('login_hint does not match the launch', 'login_hint');
    }
    const deploymentId = str(params.lti_deployment_id);
    if (deploymentId !== undefined && deploymentId !== tool.deploymentId) {
      throw new LtiInvalidLaunchError('Unknown lti_deployment_id', 'lti_deployment_id');
    }

    const [lesson, course] = await Promise.all([
      this.lessons.findInCourse(hint.lessonId, hint.courseId),
      this.courses.findById(hint.courseId),
    ]);
    if (!lesson || !course || lesson.ltiToolId !== tool.id) {
      throw new LtiInvalidLaunchError('The launched lesson no longer exists', 'lti_message_hint');
    }
    const lineItemId = await this.ags.ensureDefault({
      id: lesson.id,
      courseId: course.id,
      toolId: tool.id,
      label: lesson.title,
    });
    await this.spend(hint.jti, hint.exp, clientId, nonce);

    // Signed with the active `lti` key of signing_keys (created on first use), read per launch.
    const idToken = await this.keys.signJwt(
      'lti',
      'RS256',
      resourceLinkClaims({
        issuer: this.urls.issuer,
        clientId: tool.clientId,
        deploymentId: tool.deploymentId,
        userId: hint.userId,
        nonce,
        targetLinkUri: hint.targetLinkUri,
        role: hint.role,
        lesson: { id: lesson.id, title: lesson.title },
        course: { id: course.id, title: course.title },
        custom: lesson.ltiCustom ?? {},
        lineItemsUrl: this.urls.lineItems(course.id),
        lineItemUrl: this.urls.lineItem(lineItemId),
      }),
      { expiresInSeconds: ID_TOKEN_TTL_SECONDS },
    );
    return autoSubmitForm(redirectUri, { id_token: idToken, ...(state ? { state } : {}) });
  }

  /** Spends the hint and the nonce together: a refusal of either spends neither. */
  private async spend(jti: string, exp: number, clientId: string, nonce: string): Promise<void> {
    const now = this.clock.now().getTime();
    await this.dataSource.transaction(async (manager) => {
      const hintExpiry = new Date(Math.max(exp * 1000, now + HINT_TTL_SECONDS * 1000));
      const nonceExpiry = new Date(now + NONCE_MEMORY_SECONDS * 1000);
      if (!(await this.replay.firstUse('nonce', `${clientId}:${nonce}`, nonceExpiry, manager))) {
        throw new LtiInvalidLaunchError('nonce was already used', 'nonce');
      }
      if (!(await this.replay.firstUse('hint', jti, hintExpiry, manager))) {
        throw new LtiInvalidLaunchError('lti_message_hint was already used', 'lti_message_hint');
      }
    });
    await this.replay.purgeExpired(this.clock.now());
  }
}
