import { qkProject } from '@qk/vitest-preset';

export default qkProject('quiche-peer');
