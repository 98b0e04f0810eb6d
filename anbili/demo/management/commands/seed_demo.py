from django.core.management.base import BaseCommand

from anbili.demo.review_queue import demo_review_queue_seed
from anbili.demo.seed import DEMO_PASSWORD, demo_registry_seed, demo_seed, demo_window_open
from anbili.regions.services import regions_seed


class Command(BaseCommand):
    help = "Load the demo regions, policy tables, employers, accounts, staff and registry data (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        regions_seed()
        logins = demo_seed()
        for line in demo_registry_seed():
            self.stdout.write(f"联网数据 {line}")
        for line in demo_window_open():
            self.stdout.write(f"演示申报期（非政策依据）：{line}")
        # The review queue needs the open window (its placements are registered through the services).
        for line in demo_review_queue_seed():
            self.stdout.write(f"安置登记审核 {line}")
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in logins:
            self.stdout.write(f"  {login.front_end:<6} {login.account:<20} {login.who}")
        self.stdout.write(
            "\n网报系统: http://127.0.0.1:8000/portal/login/   申办系统: http://127.0.0.1:8000/backoffice/login/"
        )
        self.stdout.write("系统管理（政策参数）: http://127.0.0.1:8000/admin/  （以 nmg_admin 登录）\n")
