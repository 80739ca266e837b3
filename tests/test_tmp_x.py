def test_x(app, db, admin_browser):
    import re
    page = admin_browser.get("/admin/user/new/").get_data(as_text=True)
    print(re.sub(r"\s+"," ",re.findall(r'<select[^>]*id="role".{0,200}', page, re.S)[0]))
    r = admin_browser.post("/admin/user/new/", data={"name":"X Y","email":"xy@example.lv","role":"","language":"lv","new_password":"Ļoti-garš-parole-123-kaķis"})
    t = r.get_data(as_text=True)
    print(r.status_code, re.findall(r'invalid-feedback[^>]*>([^<]*)', t)[:3], t.count("obligāt"))
