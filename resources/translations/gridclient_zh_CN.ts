<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="50"/>
        <source>GridClient</source>
        <translation>网格通</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="52"/>
        <source>GridClient (demo)</source>
        <translation>网格通（演示）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="57"/>
        <source>{name} ({role}) · {scope}</source>
        <translation>{name}（{role}）· {scope}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="64"/>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="65"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="66"/>
        <source>Head of household</source>
        <translation>户主</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="68"/>
        <source>Residents</source>
        <translation>人数</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="71"/>
        <source>Tags</source>
        <translation>标识</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="72"/>
        <source>Last visit</source>
        <translation>最近走访</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="95"/>
        <source>Loading households…</source>
        <translation>正在加载住户…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="109"/>
        <source>%n household(s)</source>
        <translation>
            <numerusform>共 %n 户</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="110"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="114"/>
        <source>Could not load households: {error}</source>
        <translation>无法加载住户：{error}</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../../gridclient/app.py" line="37"/>
        <source>Unexpected error</source>
        <translation>程序出错</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="39"/>
        <source>Something went wrong. Your saved data is safe. Please send the file {path} to your IT contact.</source>
        <translation>程序遇到意外错误。已保存的数据是安全的。请把文件 {path} 发给信息员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="69"/>
        <location filename="../../gridclient/app.py" line="84"/>
        <location filename="../../gridclient/app.py" line="105"/>
        <source>GridClient</source>
        <translation>网格通</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="70"/>
        <source>Signing in to a server arrives with the sync feature. Start with --demo to try the application with sample data.</source>
        <translation>连接服务器登录将随同步功能提供。请使用 --demo 启动，用示例数据试用本程序。</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="81"/>
        <source>Preparing the demo data…</source>
        <translation>正在准备演示数据…</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="106"/>
        <source>The demo could not start: {error}</source>
        <translation>演示模式无法启动：{error}</translation>
    </message>
</context>
</TS>
