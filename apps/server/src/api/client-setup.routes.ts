import type { FastifyReply, FastifyRequest } from 'fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ClientSetupService } from '../services/client-setup.service';
import { autodiscoverError, autodiscoverRequestAddress } from '../services/client-setup-documents';

const XML = 'application/xml; charset=utf-8';
const MAX_AUTODISCOVER_BODY = 64 * 1024;

/**
 * Client autoconfiguration outside /api (the clients fetch fixed paths):
 * - Thunderbird: GET /.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=... and, for
 *   the autoconfig.<domain> host, /mail/config-v1.1.xml (the domain from the address, else
 *   from the Host name).
 * - Outlook: POST /autodiscover/autodiscover.xml (POX, MS-OXDSCLI) and the v2 JSON
 *   redirect GET /autodiscover/autodiscover.json (MS-OXDSCLI 2.2.1: only AutodiscoverV1 is
 *   offered, pointing at the POX endpoint).
 */
export async function registerClientSetupRoutes(app: NestFastifyApplication, service: ClientSetupService, publicUrl: string): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();

  const thunderbird = async (request: FastifyRequest, reply: FastifyReply) => {
    const address = (request.query as Record<string, unknown>).emailaddress;
    const host = request.hostname.replace(/:\d+$/, '');
    const given = typeof address === 'string' && address ? address : host.startsWith('autoconfig.') ? host.slice('autoconfig.'.length) : undefined;
    const doc = await service.thunderbird(given);
    if (!doc) return reply.code(404).type('text/plain; charset=utf-8').send('No mail service for this domain here.\n');
    return reply.type(XML).header('cache-control', 'public, max-age=3600').send(doc);
  };
  fastify.get('/.well-known/autoconfig/mail/config-v1.1.xml', thunderbird);
  fastify.get('/mail/config-v1.1.xml', thunderbird);

  await fastify.register(async (scope) => {
    scope.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string', bodyLimit: MAX_AUTODISCOVER_BODY }, (_request, body, done) => done(null, body));
    const pox = async (request: FastifyRequest, reply: FastifyReply) => {
      const address = typeof request.body === 'string' ? autodiscoverRequestAddress(request.body) : undefined;
      const doc = await service.outlook(address);
      return reply.type(XML).send(doc ?? autodiscoverError(600, 'Invalid Request'));
    };
    // Outlook tries both spellings; the path is case-sensitive in Fastify.
    for (const path of ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml']) scope.post(path, { bodyLimit: MAX_AUTODISCOVER_BODY }, pox);
  });

  const v2 = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = request.query as Record<string, unknown>;
    const protocol = String(query.Protocol ?? query.protocol ?? '');
    const address = String((request.params as Record<string, unknown>).email ?? query.Email ?? query.email ?? '');
    if (protocol.toLowerCase() !== 'autodiscoverv1') {
      return reply.code(400).type('application/json').send({ ErrorCode: 'ProtocolNotSupported', ErrorMessage: `The given protocol value '${protocol}' is invalid. Supported values are 'AutodiscoverV1'.` });
    }
    if (!(await service.servedDomain(address))) {
      return reply.code(404).type('application/json').send({ ErrorCode: 'UserNotFound', ErrorMessage: 'No mail service for this address here.' });
    }
    return reply.type('application/json').send({ Protocol: 'AutodiscoverV1', Url: `${publicUrl}/autodiscover/autodiscover.xml` });
  };
  fastify.get('/autodiscover/autodiscover.json', v2);
  fastify.get('/autodiscover/autodiscover.json/v1.0/:email', v2);
}
