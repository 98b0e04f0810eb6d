"""Pure rules of the system (month checks, counting, levy, reward, retirement age): no Django, only anbili.core."""
