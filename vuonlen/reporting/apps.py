from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "vuonlen.reporting"
    label = "reporting"
    verbose_name = "Báo cáo định kỳ"

    def ready(self):
        from vuonlen.core import history

        from . import calendar, figures, selectors

        # A report's history page is open to whoever may see the report.
        history.register("reporting.submission", lambda user, pk: selectors.submission_for_user_or_404(user, pk))
        figures.register_builtin()
        calendar.register_provider(calendar.report_deadlines)
