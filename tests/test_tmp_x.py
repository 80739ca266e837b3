def test_x(app, db, demo_users):
    import re

    from sqlalchemy import select

    from models import Pair
    from tests.admin_views.test_hours_views import signed_in
    p = db.session.scalar(select(Pair).where(Pair.status=="active").order_by(Pair.id))
    for who in ("liepaja@mentori.lv", "you@mentori.lv", "admin@mentori.lv", "mentors@mentori.lv"):
        r = signed_in(app, who).get(f"/admin/youth/details/?id={p.youth_id}")
        t = r.get_data(as_text=True)
        print(who, r.status_code, len(t))
        if r.status_code == 200 and who == "liepaja@mentori.lv":
            body = t[t.find("<header class=\"mb-3\">"):]
            print(re.sub(r"\s+"," ",re.sub(r"<[^>]+>"," ",body))[:3000])
