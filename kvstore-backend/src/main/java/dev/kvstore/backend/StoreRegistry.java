package dev.kvstore.backend;

import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.spi.KvStoreProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The stores found on the class path, by storeType. The default instance is loaded lazily, once,
 * with {@link ServiceLoader} from this class's class loader. A provider that fails to load is left
 * out and its failure kept for the error message of an unknown storeType, as SLF4J's
 * {@code LoggerFactory} does; two providers with one storeType make every lookup fail naming both
 * classes, as JUnit's {@code EngineIdValidator} does.
 */
final class StoreRegistry {

    /**
     * The one table of the project's own store artifacts and the storeTypes each provides, for the
     * error message of a missing one. A store outside this project needs no entry: an unknown
     * storeType's message then lists the storeTypes found.
     */
    static final Map<String, List<String>> ARTIFACTS = Map.of(
            "dev.kvstore:kvstore-etcd", List.of("etcd"),
            "dev.kvstore:kvstore-memory", List.of("memory"),
            "dev.kvstore:kvstore-redis", List.of("redis", "redis-sentinel", "redis-cluster"),
            "dev.kvstore:kvstore-zookeeper", List.of("zookeeper"));

    /** {@link #ARTIFACTS} by storeType. */
    private static final Map<String, String> ARTIFACT_OF = artifactByStoreType();

    /** Guards against a provider iterator that keeps failing on the same entry. */
    private static final int MAX_FAILURES = 64;

    private final Map<String, KvStoreProvider> providers;
    private final List<ServiceConfigurationError> failures;
    private final KvStoreConfigurationException duplicate;

    /**
     * Registers the providers an iterable yields, catching each {@link ServiceConfigurationError}.
     *
     * @param source the providers, such as a {@link ServiceLoader}
     */
    StoreRegistry(Iterable<KvStoreProvider> source) {
        Map<String, KvStoreProvider> found = new TreeMap<>();
        List<ServiceConfigurationError> failed = new ArrayList<>();
        List<String> duplicates = new ArrayList<>();
        Iterator<KvStoreProvider> it = source.iterator();
        while (failed.size() < MAX_FAILURES) {
            KvStoreProvider provider;
            String type;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
                type = storeTypeOf(provider);
            } catch (ServiceConfigurationError e) {
                failed.add(e);
                continue;
            }
            KvStoreProvider previous = found.putIfAbsent(type, provider);
            if (previous != null) {
                duplicates.add("storeType \"" + type + "\" is provided by both "
                        + previous.getClass().getName() + " and "
                        + provider.getClass().getName());
            }
        }
        this.providers = Collections.unmodifiableMap(found);
        this.failures = List.copyOf(failed);
        this.duplicate = duplicates.isEmpty()
                ? null
                : new KvStoreConfigurationException(
                        String.join("; ", duplicates) + ": keep only one of them on the class path");
    }

    /**
     * The registry of the class path, loaded on first use.
     *
     * @return the shared registry
     */
    static StoreRegistry instance() {
        return Holder.INSTANCE;
    }

    /**
     * Loads the providers a class loader sees.
     *
     * @param loader the class loader to search
     * @return a new registry
     */
    static StoreRegistry load(ClassLoader loader) {
        return new StoreRegistry(ServiceLoader.load(KvStoreProvider.class, loader));
    }

    /**
     * Finds the provider of a storeType.
     *
     * @param storeType the storeType, lowercase
     * @return its provider
     * @throws KvStoreConfigurationException if none provides it, or two providers share a storeType
     */
    KvStoreProvider provider(String storeType) {
        checkDuplicates();
        KvStoreProvider provider = providers.get(storeType);
        if (provider == null) {
            throw unknown(storeType);
        }
        return provider;
    }

    /**
     * Every storeType found, sorted.
     *
     * @return an unmodifiable sorted set
     * @throws KvStoreConfigurationException if two providers share a storeType
     */
    SortedSet<String> storeTypes() {
        checkDuplicates();
        return Collections.unmodifiableSortedSet(new TreeSet<>(providers.keySet()));
    }

    /**
     * The providers that failed to load.
     *
     * @return the failures, in the order met
     */
    List<ServiceConfigurationError> failures() {
        return failures;
    }

    private void checkDuplicates() {
        if (duplicate != null) {
            throw new KvStoreConfigurationException(duplicate.getMessage());
        }
    }

    private KvStoreConfigurationException unknown(String storeType) {
        StringBuilder m = new StringBuilder();
        String artifact = ARTIFACT_OF.get(storeType);
        if (artifact != null) {
            m.append("storeType \"")
                    .append(storeType)
                    .append("\" is not on the class path: add ")
                    .append(artifact)
                    .append(". ");
        } else {
            m.append("unknown storeType \"").append(storeType).append("\". ");
        }
        m.append("storeTypes found: ")
                .append(providers.isEmpty() ? "none" : String.join(", ", providers.keySet()))
                .append('.');
        if (artifact == null) {
            Map<String, List<String>> missing = new TreeMap<>();
            ARTIFACT_OF.forEach((type, art) -> {
                if (!providers.containsKey(type)) {
                    missing.computeIfAbsent(art, a -> new ArrayList<>()).add(type);
                }
            });
            if (!missing.isEmpty()) {
                m.append(" Others are added by");
                String sep = " ";
                for (Map.Entry<String, List<String>> e : missing.entrySet()) {
                    m.append(sep)
                            .append(e.getKey())
                            .append(" (")
                            .append(String.join(", ", e.getValue()))
                            .append(')');
                    sep = ", ";
                }
                m.append('.');
            }
        }
        if (!failures.isEmpty()) {
            m.append(" Providers that failed to load:");
            for (ServiceConfigurationError f : failures) {
                m.append(" [").append(f.getMessage()).append(']');
            }
        }
        KvStoreConfigurationException e =
                new KvStoreConfigurationException(m.toString(), failures.isEmpty() ? null : failures.get(0));
        for (int i = 1; i < failures.size(); i++) {
            e.addSuppressed(failures.get(i));
        }
        return e;
    }

    private static String storeTypeOf(KvStoreProvider provider) {
        String type;
        try {
            type = provider.storeType();
        } catch (RuntimeException e) {
            throw new ServiceConfigurationError(
                    KvStoreProvider.class.getName() + ": " + provider.getClass().getName() + ".storeType() threw " + e,
                    e);
        }
        if (type == null || type.isBlank()) {
            throw new ServiceConfigurationError(KvStoreProvider.class.getName() + ": "
                    + provider.getClass().getName() + ".storeType() returned no storeType");
        }
        return Objects.requireNonNull(type).trim().toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> artifactByStoreType() {
        Map<String, String> byType = new TreeMap<>();
        ARTIFACTS.forEach((artifact, types) -> types.forEach(type -> byType.put(type, artifact)));
        return Collections.unmodifiableMap(byType);
    }

    /** Holds the class path's registry: loaded on first use, once. */
    private static final class Holder {
        static final StoreRegistry INSTANCE = load(StoreRegistry.class.getClassLoader());
    }
}
