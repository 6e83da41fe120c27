from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onestop.operations import restore
from onestop.operations.archive import Refused


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files by those of ARCHIVE, after checking every "
        "part of it; stop the server and the workers first (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="an archive written by `backup`")
        parser.add_argument(
            "--check",
            action="store_true",
            dest="check_only",
            help="only verify the archive; change nothing",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, archive: Path, check_only=False, interactive=True, **options):
        try:
            if check_only:
                answer = restore.check(archive)
                verb = "verified"
            else:
                if interactive and not self._confirmed(archive):
                    raise CommandError(
                        "Restore cancelled; nothing was changed. / 已取消恢复，未做任何更改。"
                    )
                answer = restore.restore(archive)
                verb = "restored"
        except Refused as exc:
            raise CommandError(str(exc)) from exc
        for english, chinese in answer.warnings:
            self.stderr.write(f"warning: {english}\n警告：{chinese}")
        self.stdout.write(f"{verb}: {answer}")

    def _confirmed(self, archive: Path) -> bool:
        question = (
            f"This replaces the whole database and every uploaded file by those of {archive}.\n"
            f"此操作将用{archive}中的内容替换整个数据库和全部上传文件。\n"
            "Type 'yes' to go on / 输入 yes 继续: "
        )
        return input(question).strip().lower() == "yes"
