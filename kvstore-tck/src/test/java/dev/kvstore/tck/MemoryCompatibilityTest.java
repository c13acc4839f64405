package dev.kvstore.tck;

import dev.kvstore.KvStoreConfig;

/** The memory store, the reference, runs the whole kit (it cannot be unreachable). */
class MemoryCompatibilityTest extends KvStoreCompatibilityKit {

    @Override
    protected KvStoreConfig config() {
        return KvStoreConfig.builder().storeType("memory").address("kit").build();
    }
}
