"""Plan templates: a care plan to start from ("Hypermobile lower back pain: stability first",
"After radiofrequency ablation"), kept and versioned in Wagtail by pain-management
physicians and editors, and copied into a new plan through careteam's services."""
