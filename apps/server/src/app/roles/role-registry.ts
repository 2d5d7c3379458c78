import { Injectable } from '@nestjs/common';
import type { Role } from '@mailstead/config';

export type RoleState = 'starting' | 'up' | 'down';

export interface RoleStatus {
  state: RoleState;
  listeners?: { name: string; host: string; port: number }[];
  /** Why a role is down, or what it runs. */
  detail?: string;
}

/** What each role of this process reports about itself, read by GET /api/health. */
@Injectable()
export class RoleRegistry {
  private readonly statuses = new Map<Role, RoleStatus>();

  set(role: Role, status: RoleStatus): void {
    this.statuses.set(role, status);
  }

  snapshot(): Partial<Record<Role, RoleStatus>> {
    return Object.fromEntries(this.statuses);
  }

  /** Healthy when every role of this process is up. */
  healthy(): boolean {
    return [...this.statuses.values()].every((s) => s.state === 'up');
  }
}
