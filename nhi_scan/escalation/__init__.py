"""Privilege-escalation and lateral-movement methods as data: one subpackage per cloud.

Each method says which permissions it needs, on which resources, against what kind of target, and which graph edge
it creates. The graph builder reads these catalogues; nothing here touches an inventory or the network.
"""
