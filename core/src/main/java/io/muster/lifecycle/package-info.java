/**
 * Auto Scaling lifecycle hooks: the actions a group hands out (launch and terminate), the results
 * muster answers them with, and the seam through which actions are completed. JDK-only like the
 * rest of core: the Auto Scaling, SQS and instance-metadata implementations live in {@code aws},
 * the on-node intake in {@code agent}, the fleet controller's command in {@code cli}.
 */
package io.muster.lifecycle;
