package io.github.rediskube.core.spec;

import java.util.List;
import java.util.Set;

/**
 * The container image of the Redis pods. The default is a pinned official {@code redis} tag that
 * carries the October 2025 Lua fixes (CVE-2025-49844, CVE-2025-46817/46818/46819). Valkey images work
 * too: only directives both servers accept are rendered, and the pods' scripts call {@code redis-server},
 * {@code redis-cli} and {@code redis-sentinel}, names the official valkey images link to their {@code valkey-*}
 * binaries (an image with only the {@code valkey-*} names does not start).
 *
 * @param reference  image reference, e.g. {@code redis:7.2.11} or {@code valkey/valkey:8.1.4}; checked against the
 *                   Docker/OCI grammar {@code [registry[:port]/]path[:tag][@sha256:<hex>]}
 * @param pullPolicy {@code IfNotPresent}, {@code Always} or {@code Never}
 * @param pullSecrets names of image pull Secrets in the deployment's namespace
 * @param uid        the image's non-root user id; the pods run as it (999 in the official images)
 */
public record Image(String reference, String pullPolicy, List<String> pullSecrets, long uid) {

    /** The pinned default image: Redis 7.2.11 (BSD-licensed line, fixes CVE-2025-49844). */
    public static final String DEFAULT_REFERENCE = "redis:7.2.11";
    /** The uid of the {@code redis} user in the official redis and valkey images. */
    public static final long DEFAULT_UID = 999;
    /** The default: {@value #DEFAULT_REFERENCE}, IfNotPresent, no pull secrets, uid 999. */
    public static final Image DEFAULT = new Image(DEFAULT_REFERENCE, "IfNotPresent", List.of(), DEFAULT_UID);

    private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");

    /**
     * Copies the pull secrets.
     *
     * @param reference image reference, e.g. {@code redis:7.2.11} or {@code valkey/valkey:8.1.4}; checked against the
     *                  Docker/OCI grammar {@code [registry[:port]/]path[:tag][@sha256:<hex>]}
     * @param pullPolicy {@code IfNotPresent}, {@code Always} or {@code Never}
     * @param pullSecrets names of image pull Secrets in the deployment's namespace
     * @param uid the image's non-root user id; the pods run as it (999 in the official images)
     */
    public Image {
        pullSecrets = List.copyOf(Checks.requireElements(pullSecrets, "pullSecrets",
                "name image pull Secrets, or pass List.of() for none"));
    }

    /**
     * @param newReference another image reference
     * @return a copy with that reference
     */
    public Image withReference(String newReference) {
        return new Image(newReference, pullPolicy, pullSecrets, uid);
    }

    /**
     * @param newUid the user id the image's Redis runs as (non-root)
     * @return a copy with that uid
     */
    public Image withUid(long newUid) {
        return new Image(reference, pullPolicy, pullSecrets, newUid);
    }

    void check(Checks checks) {
        ImageReferences.check(checks, "image", reference, "image(\"" + DEFAULT_REFERENCE + "\")");
        checks.require(pullPolicy != null && PULL_POLICIES.contains(pullPolicy), "imagePullPolicy", pullPolicy,
                "must be one of Always, IfNotPresent, Never", "use imagePullPolicy(\"IfNotPresent\")");
        for (String secret : pullSecrets) {
            checks.require(Names.isDnsSubdomain(secret), "imagePullSecrets", secret,
                    "must hold Secret names (DNS-1123 subdomains)", "use e.g. imagePullSecrets(\"regcred\")");
        }
        checks.require(uid > 0 && uid < 2_147_483_648L, "image.uid", uid,
                "must be a non-root uid (1 to 2^31-1): pods run as non-root under the restricted profile",
                "use the image's own user id, 999 for the official redis and valkey images");
    }
}
