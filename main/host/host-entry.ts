/**
 * Process entry of the engine host: one LocalWorkbenchService (ONNX Runtime sessions, tensor stores, calibration
 * statistics) served over the process channel. Started by EngineHostSupervisor — as a Node child process
 * (child_process.fork, process.send) in browser mode and tests, as an Electron utilityProcess
 * (process.parentPort) on the desktop. Untrusted bytes (models, images, arrays) are parsed only in this process.
 */
import type { WorkbenchService } from '../../app/contract/service';
import { LocalWorkbenchService } from '../engine/workbench-service';
import { nodeProcessChannel, parentPortChannel, serveWorkbench, type HostChannel, type ParentPortLike } from './host-server';

function processChannel(): HostChannel {
  const parentPort = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) return parentPortChannel(parentPort);
  return nodeProcessChannel();
}

const service: WorkbenchService = new LocalWorkbenchService();
serveWorkbench(service, processChannel());
// The supervisor owns this process's lifetime: when the parent goes away, so do we (no orphaned engines).
process.on('disconnect', () => process.exit(0));
