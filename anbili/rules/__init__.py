"""Pure rules (month checks, counting, levy, reward, retirement age): no Django, only anbili.core."""
