import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StoredFile } from './entities/stored-file.entity';
import { FilesController } from './files.controller';
import { FilesPersonalData } from './files.personal-data';
import { FilesRepository } from './files.repository';
import { FilesService } from './files.service';

@Module({
  imports: [TypeOrmModule.forFeature([StoredFile])],
  controllers: [FilesController],
  providers: [FilesService, FilesRepository, FilesPersonalData],
  exports: [FilesService],
})
export class FilesModule {}
