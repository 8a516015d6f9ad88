import { qkProject } from '@qk/vitest-preset';

export default qkProject('io-actors');
