import { defineConfig } from 'prisma/config';

// The Prisma CLI's migrate commands need a schema-engine binary; where it exists,
// `prisma migrate deploy` applies prisma/migrations exactly as libs/store's runner does.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://localhost:54329/mailstead' },
});
