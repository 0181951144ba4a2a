import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  AfterErasure,
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { toUserResponse } from './dto/user.response';
import { UsersService } from './users.service';

/** The account itself: exported as GET /users/me shows it; erased by anonymisation. */
@Injectable()
@PersonalDataSectionProvider()
export class ProfilePersonalData implements PersonalDataSection {
  readonly key = 'profile';
  readonly kind = 'object';

  constructor(private readonly users: UsersService) {}

  async *export(userId: string): AsyncIterable<unknown> {
    yield toUserResponse(await this.users.getById(userId));
  }

  erase(manager: EntityManager, userId: string): Promise<AfterErasure> {
    return this.users.anonymise(manager, userId);
  }
}
