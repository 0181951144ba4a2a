import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A registered LTI 1.3 tool (one deployment per tool). */
@Entity({ name: 'lti_tools' })
export class LtiTool {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  clientId: string;

  @Column({ type: 'varchar', length: 255 })
  deploymentId: string;

  @Column({ type: 'varchar', length: 2048 })
  loginInitiationUrl: string;

  @Column({ type: 'jsonb' })
  redirectUrls: string[];

  @Column({ type: 'varchar', length: 2048 })
  jwksUrl: string;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  deepLinkingUrl: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
