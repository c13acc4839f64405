package dev.kvstore.zookeeper;

import com.google.auto.service.AutoService;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.spi.KvStoreProvider;

/**
 * storeType {@code zookeeper}: keys as znodes under a root path (default {@code /kvstore}), on
 * Apache Curator. The address is a ZooKeeper connect string ({@code host:port,host:port});
 * options are named in {@link ZooKeeperOptions}.
 *
 * <p>Key {@code a/b/c} is the znode {@code /kvstore/a/b/c}, whose data is the value's bytes, so
 * {@code zkCli.sh get /kvstore/a/b/c} prints it. Key segments ZooKeeper cannot hold as names (empty,
 * {@code .}, {@code ..}, starting with {@code %}, or holding control or non-BMP characters) are
 * written as {@code %} followed by the segment with those characters as {@code %XX} UTF-8 bytes:
 * key {@code a//b/} is {@code /kvstore/a/%/b/%}.
 */
@AutoService(KvStoreProvider.class)
public final class ZooKeeperKvStoreProvider implements KvStoreProvider {

    /** The store type served: {@value}. */
    public static final String STORE_TYPE = "zookeeper";

    /** Creates the provider; stateless. */
    public ZooKeeperKvStoreProvider() {}

    /**
     * {@inheritDoc}
     *
     * @return {@code "zookeeper"}
     */
    @Override
    public String storeType() {
        return STORE_TYPE;
    }

    /**
     * Checks the configuration and starts a client, which connects in the background: this does not
     * block, nor fail because ZooKeeper is down.
     *
     * @param config the configuration; its options are those of {@link ZooKeeperOptions}
     * @return a new client, owned by the caller
     * @throws dev.kvstore.KvStoreConfigurationException if the address or an option is malformed
     */
    @Override
    public KvStoreClient create(KvStoreConfig config) {
        return new ZooKeeperKvStoreClient(ZooKeeperSettings.of(config));
    }
}
