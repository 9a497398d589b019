// cm/ names the pod's QoS class (agent/pod/qos_class.h) as its own: the
// rule lives once, in pod/, for cm/, runtime/ and status/ alike.
#pragma once

#include "agent/pod/qos_class.h"

namespace agent::cm {

using pod::pod_qos_class;
using pod::QosClass;
using pod::to_string;

}  // namespace agent::cm
