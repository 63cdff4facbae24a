"""The ten contents of the propaganda handbook, as data the administrator may reword."""

from django.db import migrations

TOPICS = [
    "Mục đích, ý nghĩa, nội dung Cuộc vận động “Làm thay đổi nếp nghĩ, cách làm của đồng bào DTTS, "
    "làm cho đồng bào DTTS vươn lên thoát nghèo bền vững”",
    "Chủ trương, chính sách của Đảng, pháp luật của Nhà nước về dân tộc và giảm nghèo bền vững",
    "Ý chí tự lực, tự cường vươn lên thoát nghèo; không trông chờ, ỷ lại vào sự hỗ trợ của Nhà nước",
    "Ứng dụng khoa học kỹ thuật vào sản xuất; chọn cây trồng, vật nuôi có giá trị kinh tế cao",
    "Chi tiêu tiết kiệm, tích luỹ vốn để tái đầu tư; vay và sử dụng hiệu quả vốn vay ưu đãi",
    "Tham gia tổ hợp tác, hợp tác xã, liên kết sản xuất và tiêu thụ sản phẩm",
    "Xoá bỏ hủ tục, phong tục tập quán lạc hậu, mê tín dị đoan; xây dựng nếp sống văn minh",
    "Cho con em đến trường, duy trì sĩ số; học nghề, tìm việc làm",
    "Chăm sóc sức khoẻ, vệ sinh môi trường, nước sạch và nhà tiêu hợp vệ sinh",
    "Giữ gìn bản sắc văn hoá dân tộc; xây dựng gia đình văn hoá, khu dân cư văn hoá, giữ gìn an ninh trật tự",
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("outreach", "Topic")
    for number, name in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(number=number, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]
    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
