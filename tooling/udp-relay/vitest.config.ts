import { qkProject } from '@qk/vitest-preset';

export default qkProject('udp-relay');
