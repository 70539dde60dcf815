import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';

/** Routes grpc-js's internal logs (GRPC_TRACE) into our logger (STYLE: gRPC). */
export function bridgeGrpcLogs(logger: Logger): void {
  const child = logger.child({ component: 'grpc-js' });
  grpc.setLogger({
    error: (...args: unknown[]) => child.error(args.map(String).join(' ')),
    info: (...args: unknown[]) => child.info(args.map(String).join(' ')),
    debug: (...args: unknown[]) => child.debug(args.map(String).join(' ')),
  } as unknown as Partial<Console>);
}
