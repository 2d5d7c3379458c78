import { runCli } from './run-cli';

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`mailstead: ${(error as Error).message}`);
    process.exit(1);
  },
);
