"""The people directory finds 张三 by name, full pinyin and initials."""

from shuangyong.core.pinyin import search_key
from shuangyong.org.models import Person, Unit


def test_search_key_has_full_pinyin_and_initials():
    key = search_key("张三")
    assert "zhangsan" in key.split() and "zs" in key.split()


def test_polyphonic_surnames_keep_every_reading():
    key = search_key("单雄").split()
    assert "shanxiong" in key and "danxiong" in key and "sx" in key


def test_people_search(district):
    Person.objects.create(name="张三", unit=district.a)
    Person.objects.create(name="赵思", unit=district.a, phone="13912345678")
    Person.objects.create(name="李四", unit=district.b)

    def names(q):
        return sorted(p.name for p in Person.objects.search(q))

    assert names("zs") == ["张三", "赵思"]
    assert names("zhangsan") == ["张三"]
    assert names("Zhang San") == ["张三"]
    assert names("张") == ["张三"]
    assert names("1391234") == ["赵思"]
    assert names("") == ["张三", "李四", "赵思"]


def test_units_search_by_pinyin_and_code(district):
    assert list(Unit.objects.search("jiaju")) == [district.a, district.a_child]
    assert list(Unit.objects.search("jjxss")) == [district.a_child]
    assert list(Unit.objects.search("a1")) == [district.a_child]
