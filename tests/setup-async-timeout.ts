import { configure } from '@testing-library/dom';

/**
 * Component tests wait up to 5 s for what they look for (testing-library's
 * default is 1 s). The first render of a test file loads its lazy chunks,
 * which on a busy 2-core machine can take longer than a second: a desk test
 * then failed on its first case while the same case passed alone.
 */
configure({ asyncUtilTimeout: 5000 });
