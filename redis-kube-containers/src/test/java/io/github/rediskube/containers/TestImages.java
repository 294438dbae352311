package io.github.rediskube.containers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The tier's two images, built from Debian packages by {@code src/test/image/build-image.sh} (debootstrap
 * bookworm minbase; Redis is Debian's 7.0.15, not the spec's default 7.2.11 image) and cached by a hash of
 * that script: the first call of a machine builds them (about 3 min), later ones find them. A third one,
 * {@link #valkey()}, comes from a sibling script on the same scheme.
 *
 * @param redis   redis-server, redis-sentinel, redis-cli, uid/gid redis = 999
 * @param kubectl the same plus kubectl (Debian's kubernetes-client), for the role-labeler sidecar
 */
record TestImages(String redis, String kubectl) {

    private static TestImages built;
    private static String valkey;

    /** @return the images, built on the first call of this JVM when the machine has none of this hash */
    static synchronized TestImages get() {
        if (built == null) {
            List<String> refs = build("build-image.sh", 2);
            built = new TestImages(refs.get(0), refs.get(1));
        }
        return built;
    }

    /**
     * @return the Valkey image, built by {@code src/test/image/build-valkey-image.sh} on the first call of this
     *         JVM when the machine has none of its hash: Debian trixie's Valkey 8.1.1 (valkey-server,
     *         valkey-sentinel, valkey-tools), arranged like the official {@code valkey/valkey:8.1} image as far as
     *         the rendered pods can tell (redis-* links to the valkey-* binaries, uid/gid valkey = 999); the
     *         script's header lists what still differs
     */
    static synchronized String valkey() {
        if (valkey == null) {
            valkey = build("build-valkey-image.sh", 1).get(0);
        }
        return valkey;
    }

    private static List<String> build(String name, int images) {
        Path script = Path.of("src", "test", "image", name).toAbsolutePath();
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("no " + script + ": run the tier from the redis-kube-containers module");
        }
        Podman.Result result = Podman.exec(List.of("sh", script.toString()), Duration.ofMinutes(10), null).orThrow();
        List<String> refs = result.stdout().strip().lines().toList();
        if (refs.size() != images) {
            throw new IllegalStateException(script + " printed " + refs + ", expected " + images + " image reference(s)");
        }
        return refs;
    }
}
