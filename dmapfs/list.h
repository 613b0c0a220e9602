/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * list.h - a minimal intrusive circular doubly linked list.
 */
#ifndef DM_LIST_H
#define DM_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct dm_list {
	struct dm_list *prev;
	struct dm_list *next;
};

#define dm_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

static inline void dm_list_init(struct dm_list *head)
{
	head->prev = head;
	head->next = head;
}

static inline bool dm_list_empty(const struct dm_list *head)
{
	return head->next == head;
}

/* Insert @node before @head, i.e. at the tail of the list. */
static inline void dm_list_add_tail(struct dm_list *node,
				    struct dm_list *head)
{
	node->prev = head->prev;
	node->next = head;
	head->prev->next = node;
	head->prev = node;
}

static inline void dm_list_del(struct dm_list *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	node->prev = node;
	node->next = node;
}

static inline bool dm_list_linked(const struct dm_list *node)
{
	return node->next != node;
}

#endif
