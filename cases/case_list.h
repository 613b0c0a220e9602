/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * case_list.h - every case, one line each, in run order. A case file
 * defines "const struct dt_case dt_case_<ident>"; list it here.
 */
/* meta: cases that exercise the runner itself (not part of "all") */
DT_CASE(meta_pass)
DT_CASE(meta_fail)
DT_CASE(meta_skip)
DT_CASE(meta_setup_error)
DT_CASE(meta_segv)
DT_CASE(meta_expected_signal)
DT_CASE(meta_hang)
DT_CASE(meta_no_progress)
DT_CASE(meta_leftover)
DT_CASE(meta_dmesg_warning)
DT_CASE(meta_silent)
DT_CASE(meta_unmeasured)
DT_CASE(meta_unreported)
DT_CASE(meta_out_of_scope)
/* case library I: the seed's reproducers, host ENOSPC, RO mappings */
DT_CASE(truncate_od)
DT_CASE(pwrite_enospc)
DT_CASE(host_enospc)
DT_CASE(ro_mapping)
/* case library II: stress of the mapping state machine */
DT_CASE(mixed_rw_2m)
DT_CASE(dmap_exhaust)
DT_CASE(fio_stress)
