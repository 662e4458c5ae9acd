/** Child for the kill-during-save test: writes `target` atomically forever, alternating two known contents. */
import { writeFileAtomic } from '../../main/io/atomic-write';

const [target, size] = [process.argv[2], Number(process.argv[3])];
const contents = [new Uint8Array(size).fill(0x41), new Uint8Array(size).fill(0x42)];
process.send?.('ready');
for (let i = 0; ; i++) await writeFileAtomic(target, contents[i % 2]);
