package io.github.rediskube.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.util.Map;

/**
 * The files a pod mounts from the deployment's ConfigMap, taken from {@code RedisKube.manifests(spec)} exactly as a
 * cluster would get them: the data-plane tests run what is deployed, not a renderer's internals.
 */
public final class RenderedConfig {

    private final Map<String, String> files;

    private RenderedConfig(Map<String, String> files) {
        this.files = files;
    }

    /** @return the ConfigMap's files of the spec */
    public static RenderedConfig of(RedisReplicationSpec spec) {
        ConfigMap configMap = RedisKube.manifests(spec).stream()
                .filter(o -> o instanceof ConfigMap && o.getMetadata().getName().equals(spec.names().configMap()))
                .map(ConfigMap.class::cast)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no ConfigMap " + spec.names().configMap() + " rendered"));
        return new RenderedConfig(Map.copyOf(configMap.getData()));
    }

    /**
     * @param key a ConfigMap key ({@code RedisManifests.*_KEY}, {@code sentinel.conf}, ...)
     * @return the file
     * @throws IllegalArgumentException when the ConfigMap has no such key
     */
    public String file(String key) {
        String file = files.get(key);
        if (file == null) {
            throw new IllegalArgumentException("the rendered ConfigMap has no " + key + "; it has " + files.keySet());
        }
        return file;
    }

    /** @return the role's redis.conf */
    public String redisConf(Role role) {
        return file(role == Role.MASTER ? RedisManifests.MASTER_CONF_KEY : role.label() + ".conf");
    }
}
