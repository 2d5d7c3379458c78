import type { Db } from '../prisma';
import type { ListPolicy, ListReplyTo } from '../generated/prisma/client';
import { addressKey, splitAddress } from '../address';
import { exists, isUniqueViolation, notFound, StoreError } from '../errors';

export type { ListPolicy, ListReplyTo };

export interface MailingListRecord {
  id: number;
  address: string;
  name: string;
  policy: ListPolicy;
  replyTo: ListReplyTo;
  subjectPrefix: string | null;
  createdAt: Date;
}

export interface ListMemberRecord {
  address: string;
  name: string | null;
  createdAt: Date;
}

export class MailingListRepository {
  constructor(private readonly db: Db) {}

  async create(input: { address: string; name?: string; policy?: ListPolicy; replyTo?: ListReplyTo; subjectPrefix?: string | null }): Promise<MailingListRecord> {
    const parts = splitAddress(input.address);
    if (!parts) throw new StoreError('invalid', `"${input.address}" is not a valid address`);
    const key = addressKey(input.address);
    try {
      return await this.db.$transaction(async (tx) => {
        const domain = await tx.domain.findUnique({ where: { name: parts.domain } });
        if (!domain) throw notFound(`domain ${parts.domain}`);
        if (await tx.account.findUnique({ where: { addressKey: key } })) throw exists(`${key} (as an account)`);
        if (await tx.alias.findUnique({ where: { source: key } })) throw exists(`${key} (as an alias)`);
        return tx.mailingList.create({
          data: {
            domainId: domain.id,
            address: key,
            name: input.name ?? parts.local,
            policy: input.policy ?? 'members',
            replyTo: input.replyTo ?? 'list',
            subjectPrefix: input.subjectPrefix ?? null,
          },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw exists(`list ${key}`);
      throw error;
    }
  }

  findByAddress(address: string): Promise<MailingListRecord | null> {
    return this.db.mailingList.findUnique({ where: { address: addressKey(address) } });
  }

  list(domain?: string): Promise<(MailingListRecord & { members: number })[]> {
    return this.db.mailingList
      .findMany({ where: domain ? { domain: { name: domain.toLowerCase() } } : {}, orderBy: { address: 'asc' }, include: { _count: { select: { members: true } } } })
      .then((rows) => rows.map(({ _count, ...l }) => ({ ...l, members: _count.members })));
  }

  async remove(address: string): Promise<void> {
    const { count } = await this.db.mailingList.deleteMany({ where: { address: addressKey(address) } });
    if (count === 0) throw notFound(`list ${address}`);
  }

  async addMember(listAddress: string, member: string, name: string | null = null): Promise<void> {
    if (!splitAddress(member)) throw new StoreError('invalid', `"${member}" is not a valid address`);
    const list = await this.findByAddress(listAddress);
    if (!list) throw notFound(`list ${listAddress}`);
    try {
      await this.db.listMember.create({ data: { listId: list.id, address: addressKey(member), name } });
    } catch (error) {
      if (isUniqueViolation(error)) throw exists(`member ${member} of ${list.address}`);
      throw error;
    }
  }

  async removeMember(listAddress: string, member: string): Promise<void> {
    const list = await this.findByAddress(listAddress);
    if (!list) throw notFound(`list ${listAddress}`);
    const { count } = await this.db.listMember.deleteMany({ where: { listId: list.id, address: addressKey(member) } });
    if (count === 0) throw notFound(`member ${member} of ${list.address}`);
  }

  async members(listAddress: string): Promise<ListMemberRecord[]> {
    const list = await this.findByAddress(listAddress);
    if (!list) throw notFound(`list ${listAddress}`);
    return this.db.listMember.findMany({ where: { listId: list.id }, orderBy: { address: 'asc' }, select: { address: true, name: true, createdAt: true } });
  }
}
