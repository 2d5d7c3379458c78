import { Injectable } from '@nestjs/common';
import type { Role } from '@mailstead/config';

export type RoleState = 'starting' | 'up' | 'down' | 'pending';

export interface RoleStatus {
  state: RoleState;
  listeners?: { name: string; host: string; port: number }[];
  /** Why a role is down, or what a pending role is waiting for. */
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

  /** A role is healthy when it is up, or when it has nothing to run yet. */
  healthy(): boolean {
    return [...this.statuses.values()].every((s) => s.state === 'up' || s.state === 'pending');
  }
}
