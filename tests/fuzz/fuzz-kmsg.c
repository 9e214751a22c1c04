// SPDX-License-Identifier: LGPL-2.1-or-later
/* One /dev/kmsg record as the kernel hands it over, and the OOM summary line in it. */
#include "fuzz.h"
#include "shared/macro.h"
#include "watch/kmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *s = fuzz_text(data, size);
	struct kmsg_record rec;
	struct kmsg_oom oom;

	/* A read(2) of /dev/kmsg gives bytes, not a string: parse them as such. */
	if (kmsg_parse_record((const char *)data, size, &rec) == 0) {
		enum kmsg_event e = kmsg_classify(&rec);

		(void)kmsg_event_is_kernel_failure(e);
		(void)kmsg_event_name(e);
	}
	(void)kmsg_parse_oom(s, &oom);
	return 0;
}
