package io.github.rediskube.core.spec;

import java.security.SecureRandom;

/**
 * Makes the password of a deployment whose auth is {@link Auth#generated() generated}. It is called
 * once, by {@link RedisReplicationSpec.Builder#build()}; rendering itself is pure, so the same spec
 * always renders the same Secret. Inject a fixed generator in tests.
 */
@FunctionalInterface
public interface PasswordGenerator {

    /** Length of passwords from {@link #secureRandom()}. */
    int DEFAULT_LENGTH = 32;

    /** @return a new password: 16 to 512 printable ASCII characters, no space, quote or backslash */
    String generate();

    /** @return a generator of {@value #DEFAULT_LENGTH} random letters and digits from {@link SecureRandom} */
    static PasswordGenerator secureRandom() {
        SecureRandom random = new SecureRandom();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return () -> {
            StringBuilder password = new StringBuilder(DEFAULT_LENGTH);
            for (int i = 0; i < DEFAULT_LENGTH; i++) {
                password.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return password.toString();
        };
    }

    /**
     * @param password the password to return every time (tests, or a password kept elsewhere)
     * @return a generator that always returns {@code password}
     */
    static PasswordGenerator fixed(String password) {
        return () -> password;
    }
}
