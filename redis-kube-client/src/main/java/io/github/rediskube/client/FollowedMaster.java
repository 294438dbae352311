package io.github.rediskube.client;

import io.github.rediskube.client.RedisEndpoints.Address;
import java.util.List;
import java.util.Optional;

/**
 * The master a split connection follows and the Sentinel configuration epoch it knows for it, so that a
 * re-check never moves writes back to a master the Sentinels have left. Pure state, no I/O; used by
 * {@link SentinelFollower} on its switcher thread only.
 *
 * <p>Why: Sentinel's config epoch rises with each failover, and an answer is only as new as its epoch.
 * During a failover's reconfiguration the leading Sentinel already holds the new epoch while
 * {@code SENTINEL MASTER} still shows the old master's address (its record moves only at
 * {@code +switch-master}), a lagging Sentinel still shows the old epoch and address, and a Sentinel restarted
 * without its state may start over at epoch 0. The rules:
 * <ul>
 *   <li>a {@code +switch-master} is followed when it moves away from the master followed now (one that
 *       names another old master is stale or out of order: re-check instead);</li>
 *   <li>after following one, the master left is taken back by a re-check only when a majority of the
 *       Sentinels names it, until an answer names the new master at an epoch above the one the old master
 *       was followed at (until then the new epoch is not known, and an answer naming the old master may be
 *       the leader mid-reconfiguration);</li>
 *   <li>a re-check moves only to the master of the highest epoch answered, when that epoch is above the one
 *       followed and the answers at it agree; an answer at or below the followed epoch never moves it;</li>
 *   <li>when a majority of the Sentinels answers and every epoch is below the followed one, their epochs
 *       were reset (restarted without state): their choice becomes the new baseline.</li>
 * </ul>
 * A move from a re-check still needs the candidate to report role master ({@link SentinelFollower}).
 */
final class FollowedMaster {

    /**
     * What one Sentinel answered.
     *
     * @param sentinel the Sentinel asked
     * @param epoch    its config epoch for the master, read before the address
     * @param master   the master's current address as it names it ({@code GET-MASTER-ADDR-BY-NAME})
     */
    record Answer(Address sentinel, long epoch, Address master) {
    }

    private final int sentinels;
    private Address master;
    private long epoch;
    /** The master left on the last announcement while its successor's epoch is unconfirmed, else null. */
    private Address left;
    private long leftEpoch;

    /**
     * @param sentinels how many Sentinels are configured (for the majority of the reset rule)
     * @param master    the master followed at first
     * @param epoch     its config epoch
     */
    FollowedMaster(int sentinels, Address master, long epoch) {
        this.sentinels = sentinels;
        this.master = master;
        this.epoch = epoch;
    }

    Address master() {
        return master;
    }

    long epoch() {
        return epoch;
    }

    /**
     * A Sentinel announced {@code +switch-master from to}.
     *
     * @return whether to move writes to {@code to} now: it moves away from the master followed (then call
     *         {@link #followed(Address)} once writes go there)
     */
    boolean follows(Address from, Address to) {
        return !to.equals(master) && from.equals(master);
    }

    /** Writes moved to {@code to} on an announcement; its epoch is learned from the next re-check. */
    void followed(Address to) {
        left = master;
        leftEpoch = epoch;
        master = to;
    }

    /**
     * Learns from a re-check's answers and says where writes should go.
     *
     * @param answers what the Sentinels that answered said
     * @return the answer to move to (after confirming its role), or empty to stay
     */
    Optional<Answer> recheck(List<Answer> answers) {
        if (answers.isEmpty()) {
            return Optional.empty();
        }
        long highest = Long.MIN_VALUE;
        for (Answer answer : answers) {
            highest = Math.max(highest, answer.epoch());
            if (answer.master().equals(master) && answer.epoch() > epoch) {
                epoch = answer.epoch();
            }
        }
        if (left != null && epoch > leftEpoch) {
            left = null;
        }
        if (highest < epoch && answers.size() > sentinels / 2) {
            return rebase(answers, highest);
        }
        if (highest <= epoch) {
            return Optional.empty();
        }
        Optional<Answer> newest = agreed(answers, highest);
        if (newest.isEmpty() || newest.get().master().equals(master)) {
            return Optional.empty();
        }
        long atHighest = answers.stream().filter(a -> a.epoch() == newest.get().epoch()).count();
        if (newest.get().master().equals(left) && atHighest <= sentinels / 2) {
            return Optional.empty();
        }
        return newest;
    }

    /** Every epoch answered is below the one followed: the Sentinels started over; follow their choice. */
    private Optional<Answer> rebase(List<Answer> answers, long highest) {
        Optional<Answer> newest = agreed(answers, highest);
        if (newest.isPresent() && newest.get().master().equals(master)) {
            epoch = highest;
            left = null;
            return Optional.empty();
        }
        return newest;
    }

    /** @return the answer at {@code epoch} when every answer at it names the same master */
    private static Optional<Answer> agreed(List<Answer> answers, long epoch) {
        Answer first = null;
        for (Answer answer : answers) {
            if (answer.epoch() != epoch) {
                continue;
            }
            if (first == null) {
                first = answer;
            } else if (!first.master().equals(answer.master())) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(first);
    }

    /** Writes moved to {@code answer}'s master after a re-check. */
    void moved(Answer answer) {
        master = answer.master();
        epoch = answer.epoch();
        left = null;
    }

    @Override
    public String toString() {
        return master + " at config epoch " + epoch + (left == null ? "" : " (left " + left + ", new epoch unconfirmed)");
    }
}
