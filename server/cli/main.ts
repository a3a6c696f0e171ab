import { Command, Option } from 'commander';
import { ConfigError, type LoadedConfig } from '../config/loadConfig.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { Roomcast } from '../Roomcast.ts';
import { TokenStore } from '../auth/TokenStore.ts';
import { PubSub } from '../bus/PubSub.ts';
import { ROLES, type Role } from '../protocol/roles.ts';
import { withRedis } from './withRedis.ts';
import { loadRuntime, type Runtime } from '../plugins/loadRuntime.ts';
import { registerGestureCommand } from './gestureCommand.ts';
import { registerIngestCommand } from './ingestCommand.ts';

/**
 * Exit codes: 0 ok; 1 invalid config or a command failed; 2 config file missing/unreadable or bad usage.
 */
const SHUTDOWN_DEADLINE_MS = 5_000;

/** Plugins first (they add config sections and stage types), then the config. Exits on a bad config. */
async function load(file: string | undefined): Promise<Runtime> {
  try {
    return await loadRuntime({ file });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(err.exitCode);
    }
    throw err;
  }
}

function cliLogger(loaded: LoadedConfig): Logger {
  // CLI commands print their result on stdout; logs go to stderr so they never mix with it.
  return createLogger({ level: loaded.config.log.level === 'info' ? 'warn' : loaded.config.log.level, pretty: loaded.config.log.pretty, destination: process.stderr });
}

async function start(configFile: string | undefined): Promise<void> {
  const { loaded, features } = await load(configFile);
  const logger = createLogger({ level: loaded.config.log.level, pretty: loaded.config.log.pretty });
  logger.info({ config: loaded.file ?? 'embedded defaults', dataDir: loaded.dataDir }, 'starting Roomcast');

  let roomcast: Roomcast;
  try {
    roomcast = await Roomcast.start({
      loaded,
      features,
      logger,
      onFirstAdminToken: (loginUrl) => {
        // Printed once, straight to the terminal, never through the logger.
        process.stdout.write(
          `\n  First start: an admin token was created. Open this link to log in (it is shown only once;\n  make more with \`roomcast token create --role admin\`):\n\n    ${loginUrl}\n\n`,
        );
      },
    });
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'Roomcast could not start');
    process.exit(1);
  }

  let stopping = false;
  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping) {
      logger.warn({ reason }, 'second stop request: exiting now');
      process.exit(exitCode || 130);
    }
    stopping = true;
    logger.info({ reason }, 'shutting down');
    setTimeout(() => {
      logger.error(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    await roomcast.stop();
    logger.info('stopped');
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void shutdown('uncaught exception', 1);
  });
  process.on('unhandledRejection', (reason) => {
    // A bug somewhere, but not a reason to drop every room: log it loudly and keep serving.
    logger.error({ err: reason instanceof Error ? reason : String(reason) }, 'unhandled promise rejection');
  });
}

const program = new Command();
program
  .name('roomcast')
  .description('Real-time media server for rooms that react')
  .option('-c, --config <file>', 'config file (default: $ROOMCAST_CONFIG, else ./roomcast.yaml if present, else embedded defaults)')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

program
  .command('start')
  .description('run the server (a private Redis is started unless REDIS_URL is set)')
  .action(() => start(program.opts<{ config?: string }>().config));

const config = program.command('config').description('configuration tools');
config
  .command('check [file]')
  .description('validate a config file (plus ROOMCAST_* environment overrides); exit 0 valid, 1 invalid, 2 unreadable')
  .action(async (file: string | undefined) => {
    const { loaded, plugins } = await load(file ?? program.opts<{ config?: string }>().config);
    process.stdout.write(
      `OK: ${loaded.file ?? 'embedded defaults'} is valid (listening on ${loaded.config.server.host}:${loaded.config.server.port}, ` +
        `${loaded.config.rooms.length} room(s), data in ${loaded.dataDir}, redis ${loaded.config.redis.url ? 'external' : 'embedded'}` +
        `${plugins.plugins.length ? `, plugins: ${plugins.plugins.map((p) => p.definition.name).join(', ')}` : ''})\n`,
    );
  });

const token = program.command('token').description('manage API tokens (roles: admin, operator, overlay)');
token
  .command('create')
  .description('create a token and print it (shown once)')
  .addOption(new Option('--role <role>', 'what the token may do').choices(ROLES).makeOptionMandatory())
  .option('--label <text>', 'a note saying who or what uses it')
  .action(async (opts: { role: Role; label?: string }) => {
    const { loaded } = await load(program.opts<{ config?: string }>().config);
    const created = await withRedis(loaded, cliLogger(loaded), (client) => new TokenStore(client, loaded.config.redis.keyPrefix).create(opts.role, opts.label));
    process.stderr.write(`Created ${opts.role} token ${created.record.id}. It is shown only once:\n`);
    process.stdout.write(`${created.token}\n`);
  });
token
  .command('list')
  .description('list tokens (ids and roles; tokens themselves are not stored)')
  .action(async () => {
    const { loaded } = await load(program.opts<{ config?: string }>().config);
    const records = await withRedis(loaded, cliLogger(loaded), (client) => new TokenStore(client, loaded.config.redis.keyPrefix).list());
    for (const r of records) process.stdout.write(`${r.id}\t${r.role}\t${new Date(r.createdAt).toISOString()}\t${r.label ?? ''}\n`);
  });
token
  .command('revoke <id>')
  .description('revoke a token by id')
  .action(async (id: string) => {
    const { loaded } = await load(program.opts<{ config?: string }>().config);
    const logger = cliLogger(loaded);
    const revoked = await withRedis(loaded, logger, async (client) => {
      const done = await new TokenStore(client, loaded.config.redis.keyPrefix).revoke(id);
      // A running server drops the sockets that authenticated with it, as when revoked over the API.
      if (done) await new PubSub({ client, keyPrefix: loaded.config.redis.keyPrefix, logger }).publish('auth.token_revoked', { tokenId: id });
      return done;
    });
    if (!revoked) {
      process.stderr.write(`no token with id "${id}" (see: roomcast token list)\n`);
      process.exit(1);
    }
    process.stdout.write(`revoked ${id}\n`);
  });

registerGestureCommand(program);
registerIngestCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`roomcast: ${(err as Error).message}\n`);
  process.exit(1);
}
