import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { Client } from '../../common/decorators/client-info.decorator';
import type { ClientInfo } from '../../common/decorators/client-info.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Paginated } from '../../common/dto/paginated';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { AdminUpdateUserDto } from './dto/admin-update-user.dto';
import { ChangePasswordDto } from './dto/change-password.dto';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { toUserResponse, UserResponse } from './dto/user.response';
import { UsersService } from './users.service';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @Auth()
  @ApiOperation({ summary: 'The caller’s profile' })
  @ApiEnvelope(UserResponse)
  async me(@CurrentUser() caller: AuthenticatedUser): Promise<UserResponse> {
    return toUserResponse(await this.users.getById(caller.id));
  }

  @Patch('me')
  @Auth()
  @ApiOperation({
    summary: 'Update the caller’s name and metadata (role, email, status are not writable)',
  })
  @ApiEnvelope(UserResponse, { errors: [422] })
  async updateMe(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: UpdateProfileDto,
  ): Promise<UserResponse> {
    return toUserResponse(await this.users.updateProfile(caller.id, body));
  }

  @Post('me/password')
  @HttpCode(204)
  @Auth()
  @ApiOperation({
    summary: 'Change the password',
    description:
      'Every session, this one included, ends: log in again with the new password. Unused reset ' +
      'tokens are spent. Wrong current passwords count against the login limit of this email and ' +
      'IP: after 5 failures in 15 minutes, 423 for 15 minutes.',
  })
  @ApiEnvelope(null, { status: 204, errors: [401, 422, 423] })
  async changePassword(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: ChangePasswordDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.users.changePassword(caller.id, body.currentPassword, body.newPassword, client.ip);
  }

  @Get()
  @Auth('admin')
  @ApiOperation({
    summary: 'List users (admin)',
    description: 'Sortable by createdAt, email, fullName, lastLoginAt.',
  })
  @ApiEnvelope(UserResponse, { paginated: true, errors: [422] })
  async list(@Query() query: ListUsersQuery): Promise<Paginated<UserResponse>> {
    return (await this.users.list(query)).map(toUserResponse);
  }

  @Post()
  @Idempotent()
  @Auth('admin')
  @ApiOperation({ summary: 'Create a user with any role (admin)' })
  @ApiEnvelope(UserResponse, { status: 201, errors: [409, 422] })
  async create(@Body() body: CreateUserDto): Promise<UserResponse> {
    return toUserResponse(await this.users.createByAdmin(body));
  }

  @Get(':id')
  @Auth('admin')
  @ApiOperation({ summary: 'One user (admin)' })
  @ApiEnvelope(UserResponse, { errors: [404, 422] })
  async get(@Param('id', uuidParam()) id: string): Promise<UserResponse> {
    return toUserResponse(await this.users.getById(id));
  }

  @Patch(':id')
  @Auth('admin')
  @ApiOperation({
    summary: 'Change a user’s name, role or status (admin)',
    description:
      'Deactivation ends the user’s sessions at once. Admins cannot demote or deactivate ' +
      'themselves. The last active admin cannot be demoted or deactivated (409 ' +
      '`LAST_ACTIVE_ADMIN`, decided under row locks: of two admins demoting or deactivating each ' +
      'other at once, one is refused).',
  })
  @ApiEnvelope(UserResponse, { errors: [404, 409, 422] })
  async update(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id', uuidParam()) id: string,
    @Body() body: AdminUpdateUserDto,
  ): Promise<UserResponse> {
    return toUserResponse(await this.users.adminUpdate(caller.id, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth('admin')
  @ApiOperation({
    summary: 'Soft-delete a user (admin)',
    description:
      'The account is deactivated, hidden and can no longer log in; its rows are kept. The last ' +
      'active admin cannot be deleted (409 `LAST_ACTIVE_ADMIN`).',
  })
  @ApiEnvelope(null, { status: 204, errors: [404, 409, 422] })
  async remove(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id', uuidParam()) id: string,
  ): Promise<void> {
    await this.users.softDelete(caller.id, id);
  }
}
