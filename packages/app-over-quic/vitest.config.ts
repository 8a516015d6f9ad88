import { qkProject } from '@qk/vitest-preset';

export default qkProject('app-over-quic');
