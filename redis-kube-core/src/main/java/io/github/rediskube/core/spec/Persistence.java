package io.github.rediskube.core.spec;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link RedisReplicationSpec} keeps: a cache (evicts when full, no volumes) or storage (refuses writes when
 * full, one volume per pod).
 *
 * @param mode           cache or storage
 * @param evictionPolicy {@code maxmemory-policy}
 * @param storage        volumes in {@link Mode#STORAGE} mode, {@code null} in {@link Mode#CACHE} mode
 */
record Persistence(Mode mode, String evictionPolicy, @Nullable Storage storage) {

    static final Set<String> EVICTION_POLICIES = Set.of("noeviction", "allkeys-lru", "allkeys-lfu",
            "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl");

    /**
     * The settings as a builder holds them, with the defaults resolved: the eviction policy follows the mode,
     * storage mode without options gets {@link Storage#DEFAULT}.
     */
    static Persistence of(Mode mode, @Nullable String evictionPolicy, @Nullable Storage storage) {
        return new Persistence(mode, evictionPolicy != null ? evictionPolicy : defaultPolicy(mode),
                mode == Mode.STORAGE && storage == null ? Storage.DEFAULT : storage);
    }

    /** @return the eviction policy the user chose, {@code null} when it is the mode's default (it follows the mode) */
    @Nullable String chosenEvictionPolicy() {
        return evictionPolicy.equals(defaultPolicy(mode)) ? null : evictionPolicy;
    }

    private static String defaultPolicy(Mode mode) {
        return mode == Mode.STORAGE ? "noeviction" : "allkeys-lru";
    }

    void check(Checks checks) {
        if (!SpecChecks.notNull(checks, "mode", mode)) {
            return;
        }
        checks.require(EVICTION_POLICIES.contains(evictionPolicy), "evictionPolicy", evictionPolicy,
                "must be one of " + EVICTION_POLICIES.stream().sorted().toList(),
                "use e.g. evictionPolicy(\"allkeys-lru\")");
        if (mode == Mode.CACHE) {
            checks.require(storage == null, "storage", storage,
                    "must be empty in CACHE mode (a cache keeps no volumes)",
                    "drop storage(..) or use mode(Mode.STORAGE)");
        } else if (checks.require(storage != null, "storage", null, "is required in STORAGE mode",
                "use storage(s -> s.size(\"10Gi\"))")) {
            storage.check(checks);
        }
    }
}
